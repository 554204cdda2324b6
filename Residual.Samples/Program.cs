using Residual.Samples.Cli;

// The sample's command line (verbs in Cli/). Without arguments it is the README's first command: train the
// character-level GPT of CharGpt.cs on the shipped stories into runs/default, then let it write.
return await ResidualCli.RunAsync(args.Length == 0 ? ["train"] : args);
