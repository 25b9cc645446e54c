copy region from 'x' (header maybe);
