with t (k, v) as (select n_nationkey, n_name from nation), u as (select k from t) select v from t where k in (select k from u);
