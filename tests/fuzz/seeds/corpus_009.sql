create table t1 ();
