namespace Runc.Oci;

/// <summary>What <see cref="SpecValidator"/> found: errors stop a create, warnings are only logged.</summary>
public sealed class ValidationResult(IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
{
    public IReadOnlyList<string> Errors { get; } = errors;
    public IReadOnlyList<string> Warnings { get; } = warnings;
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Collects findings; every message is <c>config.json: JSON.PATH: sentence</c>.</summary>
internal sealed class Findings
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public void Error(string path, string message) => _errors.Add($"config.json: {path}: {message}");
    public void Warn(string path, string message) => _warnings.Add($"config.json: {path}: {message}");

    public ValidationResult ToResult() => new(_errors, _warnings);
}
