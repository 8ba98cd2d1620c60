namespace Runc.Runtime.State;

/// <summary>
/// runc's id rule: ^[\w+-.]+$ and equal to its own cleaned path element, checked before any path is built
/// (crun 1.8.1 ran `delete -f ..` and removed the parent of its root).
/// </summary>
public static class ContainerId
{
    public const int MaxLength = 1024;

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id == "." || id == ".." || id.Length > MaxLength) return false;
        foreach (char c in id)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '+' or '-' or '.';
            if (!ok) return false;
        }
        return true;
    }

    public static void Validate(string? id)
    {
        if (!IsValid(id)) throw ContainerException.InvalidId();
    }
}
