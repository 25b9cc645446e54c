copy region from x;
