set threads = 4;
