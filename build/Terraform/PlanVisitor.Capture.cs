using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// The visitor's part for a <see cref="PlannedResourceSink"/>: the <c>after</c>, <c>after_unknown</c> and
/// <c>after_sensitive</c> values of watched resource changes, handed over as bytes by the reader when they fit its
/// buffer, else re-written from tokens.
/// </summary>
internal sealed partial class PlanVisitor
{
    /// <summary>Set while the value of a watched after/after_unknown is being read; the writer only on the slow path.</summary>
    private bool _capturing;
    private JsonValueCapture? _capture;
    /// <summary>Which of after, after_unknown, after_sensitive is being captured.</summary>
    private Name _capturedValue;
    private bool _captureRequested;
    private byte[]? _after, _afterUnknown, _afterSensitive;

    /// <summary>
    /// Right after <c>after</c> or <c>after_unknown</c> in a resource change whose type the sink watches (or whose
    /// type is not known yet: the entry may list it later).
    /// </summary>
    private bool WantsValues() =>
        sink is not null && _depth == 4 && _names[1] == Name.ResourceChanges && _names[3] == Name.Change
        && _names[4] is Name.After or Name.AfterUnknown or Name.AfterSensitive && (_type is null || sink.Watches(_type));

    private void StartCapture()
    {
        _capturing = true;
        _capture = null;
        _capturedValue = _names[4];
        _captureRequested = true;
    }

    /// <summary>Whether the property just read has a value to keep (the reader may hand over its bytes); asked once.</summary>
    public bool TakeCaptureRequest()
    {
        var requested = _captureRequested;
        _captureRequested = false;
        return requested;
    }

    /// <summary>The whole value the capture was started for, as bytes from the buffer: no token-by-token re-writing.</summary>
    public void Captured(ReadOnlySpan<byte> value)
    {
        Keep(value.ToArray());
        _capturing = false;
    }

    private void Capture(ref Utf8JsonReader reader)
    {
        _capture ??= new JsonValueCapture();
        _capture.Write(ref reader);
        if (!_capture.Complete)
            return;
        Keep(_capture.Finish());
        _capture = null;
        _capturing = false;
    }

    private void Keep(byte[] value)
    {
        switch (_capturedValue)
        {
            case Name.AfterUnknown: _afterUnknown = value; break;
            case Name.AfterSensitive: _afterSensitive = value; break;
            default: _after = value; break;
        }
    }
}
