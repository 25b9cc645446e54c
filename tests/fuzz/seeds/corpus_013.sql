drop table v1;
