// MusterLake
