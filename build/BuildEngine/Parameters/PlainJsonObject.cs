namespace BuildEngine.Parameters;

/// <summary>One entry of a parameters file: its name as written and its value as the strings a parameter takes.</summary>
internal sealed record ParameterFileEntry(string Name, List<string> Values);

/// <summary>
/// Reads a parameters file of the plain shape nearly every one has (ASCII, no escapes, comments or trailing commas;
/// values strings, numbers, booleans and arrays of them) without System.Text.Json: loading it and compiling its
/// vectorized search code costs every start about 15 ms, many times what the file itself does.
/// Anything outside that shape returns null, and <see cref="ParameterFileJson"/> reads the file with
/// <see cref="System.Text.Json.Utf8JsonReader"/>, which also says what is wrong with it. So this reader never has to
/// be right about an error, only about plain files: for those it returns exactly what the full reader does.
/// </summary>
internal ref struct PlainJsonObject
{
    private const int MaxArrayDepth = 32;
    private readonly ReadOnlySpan<byte> _json;
    private int _position;

    private PlainJsonObject(ReadOnlySpan<byte> json) => _json = json;

    public static List<ParameterFileEntry>? TryRead(ReadOnlySpan<byte> json)
    {
        var reader = new PlainJsonObject(json);
        return reader.ReadObject();
    }

    private List<ParameterFileEntry>? ReadObject()
    {
        var entries = new List<ParameterFileEntry>();
        SkipWhiteSpace();
        if (!Take((byte)'{')) return null;
        SkipWhiteSpace();
        if (!Take((byte)'}'))
        {
            while (true)
            {
                var name = ReadString();
                SkipWhiteSpace();
                if (name is null || !Take((byte)':')) return null;
                var values = new List<string>();
                if (!ReadValue(values, depth: 0)) return null;
                entries.Add(new ParameterFileEntry(name, values));
                SkipWhiteSpace();
                if (Take((byte)'}')) break;
                if (!Take((byte)',')) return null;
                SkipWhiteSpace();
            }
        }
        SkipWhiteSpace();
        return _position == _json.Length ? entries : null;
    }

    private bool ReadValue(List<string> values, int depth)
    {
        SkipWhiteSpace();
        if (_position >= _json.Length) return false;
        switch (_json[_position])
        {
            case (byte)'"':
                var text = ReadString();
                if (text is null) return false;
                values.Add(text);
                return true;
            case (byte)'t':
                return ReadWord("true", values);
            case (byte)'f':
                return ReadWord("false", values);
            case (byte)'[':
                if (depth >= MaxArrayDepth) return false;
                _position++;
                SkipWhiteSpace();
                if (Take((byte)']')) return true;
                while (true)
                {
                    if (!ReadValue(values, depth + 1)) return false;
                    SkipWhiteSpace();
                    if (Take((byte)']')) return true;
                    if (!Take((byte)',')) return false;
                }
            default:
                return ReadNumber(values);
        }
    }

    /// <summary>A string of printable ASCII without escapes; null for any other.</summary>
    private string? ReadString()
    {
        if (!Take((byte)'"')) return null;
        var start = _position;
        while (_position < _json.Length)
        {
            var c = _json[_position];
            if (c == (byte)'"')
            {
                var text = System.Text.Encoding.ASCII.GetString(_json[start.._position]);
                _position++;
                return text;
            }
            if (c < 0x20 || c > 0x7e || c == (byte)'\\') return null;
            _position++;
        }
        return null;
    }

    private bool ReadWord(string word, List<string> values)
    {
        if (_json.Length - _position < word.Length) return false;
        for (var i = 0; i < word.Length; i++)
        {
            if (_json[_position + i] != word[i]) return false;
        }
        _position += word.Length;
        values.Add(word);
        return true;
    }

    /// <summary>JSON's number grammar exactly; the value is the text as written, as the full reader gives it.</summary>
    private bool ReadNumber(List<string> values)
    {
        var start = _position;
        Take((byte)'-');
        if (Take((byte)'0')) { }
        else if (_position < _json.Length && _json[_position] is >= (byte)'1' and <= (byte)'9') SkipDigits();
        else return false;
        if (Take((byte)'.') && SkipDigits() == 0) return false;
        if (Take((byte)'e') || Take((byte)'E'))
        {
            if (!Take((byte)'+')) Take((byte)'-');
            if (SkipDigits() == 0) return false;
        }
        values.Add(System.Text.Encoding.ASCII.GetString(_json[start.._position]));
        return true;
    }

    private int SkipDigits()
    {
        var start = _position;
        while (_position < _json.Length && _json[_position] is >= (byte)'0' and <= (byte)'9') _position++;
        return _position - start;
    }

    private void SkipWhiteSpace()
    {
        while (_position < _json.Length && _json[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _position++;
    }

    private bool Take(byte expected)
    {
        if (_position >= _json.Length || _json[_position] != expected) return false;
        _position++;
        return true;
    }
}
