drop view nope;
