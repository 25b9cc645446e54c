select x from tv2;
