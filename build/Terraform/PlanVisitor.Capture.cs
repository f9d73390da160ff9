using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// The visitor's part that keeps values: for a <see cref="PlannedResourceSink"/> the <c>after</c>,
/// <c>after_unknown</c> and <c>after_sensitive</c> of watched resource changes, and for <see cref="DriftAnalysis"/>
/// both states of each drift entry and the refreshed state of security groups and their rules. Handed over as
/// bytes by the reader when they fit its buffer, else re-written from tokens.
/// </summary>
internal sealed partial class PlanVisitor
{
    /// <summary>Set while a value to keep is being read; the writer only on the slow path.</summary>
    private bool _capturing;
    private JsonValueCapture? _capture;
    /// <summary>Which of before, after, after_unknown, after_sensitive is being captured.</summary>
    private Name _capturedValue;
    private bool _captureRequested;
    private byte[]? _before, _after, _afterUnknown, _afterSensitive;

    /// <summary>
    /// Right after a property whose value is kept; a resource change whose type is not known yet counts as watched
    /// (the entry may list its type later).
    /// </summary>
    private bool WantsValues() => _depth == 4 && _names[3] == Name.Change && _names[1] switch
    {
        Name.ResourceChanges => _names[4] switch
        {
            Name.After or Name.AfterUnknown or Name.AfterSensitive => sink is not null && (_type is null || sink.Watches(_type)),
            // The refreshed state of security groups and their rules: what DriftAnalysis compares.
            Name.Before => _type is null || SecurityGroupRule.IsTracked(_type),
            _ => false,
        },
        // Drift entries are few; DriftAnalysis reads both states of each to tell real changes from read-back noise.
        Name.ResourceDrift => _names[4] is Name.Before or Name.After,
        _ => false,
    };

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
            case Name.Before: _before = value; break;
            default: _after = value; break;
        }
    }
}
