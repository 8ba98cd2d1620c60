namespace Runc.Privileged.Tests.Infra;

/// <summary>Error texts clients match on (runc-cli-contract §3, §8.5). Tests assert these substrings, never the
/// program-name prefix (nrunc says `nrunc create failed: ...` where runc says `runc create failed: ...`).</summary>
public static class Sentinels
{
    public const string DoesNotExist = "container does not exist";
    public const string AlreadyExists = "container with given ID already exists";
    public const string InvalidId = "invalid container ID format";
    public const string EmptyId = "container id cannot be empty";
    public const string AlreadyRunning = "cannot start an already running container";
    public const string StartStopped = "cannot start a container that has stopped";
    public const string NotRunning = "container not running";
    public const string NotStopped = "that is not stopped";
    public const string UnknownSignal = "unknown signal";
}
