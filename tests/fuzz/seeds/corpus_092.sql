select x.a, x.b from (select n_nationkey, n_name from nation) as x (a, b) where x.a > 3;
