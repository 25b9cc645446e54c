drop table nope;
