drop view if exists nothing_here;
