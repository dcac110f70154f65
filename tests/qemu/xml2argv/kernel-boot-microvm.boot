KERNEL (the tiny guest from BUILD/tests/guest, when built)
