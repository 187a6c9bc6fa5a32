// MusterReplay
