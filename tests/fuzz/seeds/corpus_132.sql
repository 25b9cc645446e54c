create or replace view tv2 as select x from tv;
