SKIP OVMF is not installed here
