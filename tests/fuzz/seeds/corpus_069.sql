select * from (select 1, 2) as d (a, b, c);
