select x, y from tv;
