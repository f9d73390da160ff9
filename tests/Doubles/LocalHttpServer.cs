using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tests.Doubles;

/// <summary>A request as a local server received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A response a handler returns.</summary>
public sealed record ServerResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>A binary body (an archive); when set, <see cref="Body"/> is ignored.</summary>
    public byte[]? Bytes { get; init; }
}

/// <summary>
/// An HTTP server (Kestrel) on 127.0.0.1 and a port the OS picks, answering with a handler and recording every
/// request. The local stand-in for AWS, GitHub and Slack in tests.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly WebApplication _app;

    public LocalHttpServer(Func<RecordedRequest, ServerResponse> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(async context => await ServeAsync(context, handler));
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.TrimEnd('/');
        Port = new Uri(Url).Port;
    }

    public int Port { get; }

    public string Url { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private async Task ServeAsync(HttpContext context, Func<RecordedRequest, ServerResponse> handler)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
        Requests.Enqueue(request);
        ServerResponse response;
        try
        {
            response = handler(request);
        }
        catch (Exception e)
        {
            response = new ServerResponse(500, e.ToString(), "text/plain");
        }
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        if (response.Bytes is not null)
            await context.Response.Body.WriteAsync(response.Bytes);
        else
            await context.Response.WriteAsync(response.Body);
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
