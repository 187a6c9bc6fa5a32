// MusterInvestigation
