// MusterCLI
