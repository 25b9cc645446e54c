select "unterminated from region;
