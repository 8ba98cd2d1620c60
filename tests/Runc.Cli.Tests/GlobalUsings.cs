global using Xunit;

// nrunc is Linux-only; this lets tests use Unix file-mode APIs without platform guards.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
