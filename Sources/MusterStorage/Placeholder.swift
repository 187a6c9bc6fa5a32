// MusterStorage
