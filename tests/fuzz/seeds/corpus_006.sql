create table t1 (a int) partition by hash(b);
