// MusterCorrelation
