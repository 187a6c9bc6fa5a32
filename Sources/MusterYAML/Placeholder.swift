// MusterYAML
