prepare q as select * from t where a = $1 and e = $2;
