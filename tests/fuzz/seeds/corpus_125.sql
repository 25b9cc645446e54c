explain analyze select count(*) from orders;
