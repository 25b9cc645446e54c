drop table if exists nothing_here;
