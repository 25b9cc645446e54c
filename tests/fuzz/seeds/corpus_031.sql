explain select nope from region;
