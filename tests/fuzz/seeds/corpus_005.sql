create table t1 (a varchar(0));
