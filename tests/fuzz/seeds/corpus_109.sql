select * from orders where exists (select 1 from lineitem where l_orderkey = o_orderkey) and not exists (select * from customer where c_custkey = o_custkey);
