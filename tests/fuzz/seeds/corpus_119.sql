select sum(l_quantity) as q from lineitem group by l_returnflag order by q desc;
