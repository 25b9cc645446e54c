select l_returnflag, count(*) from lineitem group by l_returnflag having count(*) > 10 and sum(l_quantity) < 1e9;
