namespace Runc;

/// <summary>
/// The one exception root of nrunc. Messages are lowercase, operation first, operand quoted,
/// errno text last; each layer may add one prefix via <see cref="WithPrefix"/>.
/// Subtypes exist only for conditions a caller branches on.
/// </summary>
public class RuncException : Exception
{
    public RuncException(string message) : base(message) { }
    public RuncException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Exit status the CLI uses when this error ends a command (runc: 1, exec: 255).</summary>
    public virtual int ExitCode => 1;

    public RuncException WithPrefix(string prefix) => new PrefixedException(prefix + ": " + Message, this);

    private sealed class PrefixedException(string message, RuncException inner) : RuncException(message, inner)
    {
        public override int ExitCode => ((RuncException)InnerException!).ExitCode;
    }
}

/// <summary>The bundle's config.json (or a process/resources JSON) is unreadable or breaks a rule.</summary>
public sealed class SpecException(string message) : RuncException(message);

/// <summary>Why a container operation was refused; callers and tests branch on it.</summary>
public enum ContainerErrorKind { NotFound, Exists, InvalidId, WrongState }

/// <summary>Container-level refusals with runc's exact sentinel wording (clients match these strings).</summary>
public sealed class ContainerException(ContainerErrorKind kind, string message) : RuncException(message)
{
    public ContainerErrorKind Kind { get; } = kind;

    public static ContainerException NotFound() => new(ContainerErrorKind.NotFound, "container does not exist");
    public static ContainerException Exists() => new(ContainerErrorKind.Exists, "container with given ID already exists");
    public static ContainerException InvalidId() => new(ContainerErrorKind.InvalidId, "invalid container ID format");
    public static ContainerException NotRunning() => new(ContainerErrorKind.WrongState, "container not running");
    public static ContainerException NotPaused() => new(ContainerErrorKind.WrongState, "container not paused");
    public static ContainerException Paused() => new(ContainerErrorKind.WrongState, "container paused");
    public static ContainerException StillRunning() => new(ContainerErrorKind.WrongState, "container still running");
    public static ContainerException WrongState(string message) => new(ContainerErrorKind.WrongState, message);
}
