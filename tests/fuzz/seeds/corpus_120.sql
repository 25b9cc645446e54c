select l_returnflag as f, count(*) from lineitem group by f;
