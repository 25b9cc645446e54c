set = 3;
