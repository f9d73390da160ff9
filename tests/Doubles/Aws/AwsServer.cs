using System.Collections.Concurrent;
using System.Web;

namespace Tests.Doubles.Aws;

/// <summary>A fault the server answers with instead of the real response.</summary>
public sealed record Fault(int Status, string Code, string Message = "injected fault");

/// <summary>
/// A local AWS on 127.0.0.1: EC2's Query API (XML) and SSM's JSON 1.1 API on one endpoint, as the SDK speaks
/// them. State is in memory; faults are switches; every call is recorded by action.
/// </summary>
public sealed class AwsServer : IDisposable
{
    private readonly LocalHttpServer _server;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new();

    public AwsServer()
    {
        Ec2 = new Ec2Api();
        Ssm = new SsmApi();
        Sts = new StsApi();
        _server = new LocalHttpServer(Handle);
    }

    public Ec2Api Ec2 { get; }
    public SsmApi Ssm { get; }
    public StsApi Sts { get; }

    /// <summary>The access key id each call was signed with (null: unsigned), in order, as "Action AccessKeyId".</summary>
    public ConcurrentQueue<string> Signatures { get; } = new();
    public string Url => _server.Url;

    /// <summary>Actions in the order they were called (including faulted attempts).</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public void FailNext(string action, int times, Fault fault)
    {
        var queue = _faults.GetOrAdd(action, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < times; i++) queue.Enqueue(fault);
    }

    public int CountOf(string action) => Calls.Count(c => c == action);

    /// <summary>Environment variables pointing a build at this server with throwaway credentials.</summary>
    public Dictionary<string, string> Environment(string region = "eu-west-1") => new()
    {
        ["AWS_ENDPOINT_URL"] = Url,
        ["AWS_REGION"] = region,
        ["AWS_ACCESS_KEY_ID"] = "AKIATESTLOCALSERVER1",
        ["AWS_SECRET_ACCESS_KEY"] = "local-secret-access-key-for-tests",
        ["AWS_RETRY_BASE_DELAY_MS"] = "5",
    };

    private ServerResponse Handle(RecordedRequest request)
    {
        var isSsm = request.Headers.TryGetValue("X-Amz-Target", out var target);
        var action = isSsm ? target!.Split('.')[^1] : ParseForm(request.Body).GetValueOrDefault("Action", "");
        Calls.Enqueue(action);
        Signatures.Enqueue($"{action} {SigningKey(request)}");
        var isSts = action.StartsWith("AssumeRole", StringComparison.Ordinal);
        if (_faults.TryGetValue(action, out var queue) && queue.TryDequeue(out var fault))
            return isSsm ? WithRequestId(SsmApi.Error(fault.Status, fault.Code, fault.Message))
                : isSts ? StsApi.Error(fault.Status, fault.Code, fault.Message)
                : Ec2Api.Error(fault.Status, fault.Code, fault.Message);
        if (isSts)
            return Sts.Handle(ParseForm(request.Body), request.Headers);
        return isSsm ? WithRequestId(Ssm.Handle(action, request.Body)) : Ec2.Handle(action, ParseForm(request.Body));
    }

    /// <summary>SSM, like every JSON service, names each answer's request in a header (EC2 in the XML body).</summary>
    private static ServerResponse WithRequestId(ServerResponse response) => response with
    {
        Headers = new Dictionary<string, string>(response.Headers ?? new Dictionary<string, string>()) { ["x-amzn-RequestId"] = Guid.NewGuid().ToString() },
    };

    /// <summary>The key id in "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, …".</summary>
    private static string SigningKey(RecordedRequest request) =>
        request.Headers.TryGetValue("Authorization", out var authorization) && authorization.IndexOf("Credential=", StringComparison.Ordinal) is var at and >= 0
            ? authorization[(at + "Credential=".Length)..].Split('/')[0]
            : "unsigned";

    internal static Dictionary<string, string> ParseForm(string body)
    {
        var parsed = HttpUtility.ParseQueryString(body);
        return parsed.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => parsed[k]!, StringComparer.Ordinal);
    }

    public void Dispose() => _server.Dispose();
}
