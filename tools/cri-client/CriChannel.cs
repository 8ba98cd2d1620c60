using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;

namespace CriClient;

/// <summary>gRPC over a unix socket (containerd's CRI endpoint): HTTP/2 without TLS, every connection dialled to SOCKET.</summary>
internal sealed class CriChannel : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly TimeSpan _timeout;

    public CriChannel(string socketPath, TimeSpan timeout)
    {
        _timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The authority is not used for routing: the connect callback always dials the socket.
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Runtime = new Api.RuntimeService.RuntimeServiceClient(_channel);
        Images = new Api.ImageService.ImageServiceClient(_channel);
    }

    public Api.RuntimeService.RuntimeServiceClient Runtime { get; }
    public Api.ImageService.ImageServiceClient Images { get; }

    /// <summary>Runs one unary RPC with the channel's deadline; a failure becomes a <see cref="CriException"/> naming the RPC.</summary>
    public async Task<T> Call<T>(string rpc, Func<CallOptions, AsyncUnaryCall<T>> call, TimeSpan? timeout = null)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow + (timeout ?? _timeout));
        try
        {
            return await call(options).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new CriException($"{rpc}: {e.Status.StatusCode}: {e.Status.Detail}");
        }
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>An error of this client (usage, input file, RPC): printed as `cri-client: MESSAGE`, exit status 125.</summary>
internal sealed class CriException(string message) : Exception(message);
