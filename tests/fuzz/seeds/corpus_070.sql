select date '1998-1-1x' from region;
