with a as (select 1), a as (select 2) select * from a;
