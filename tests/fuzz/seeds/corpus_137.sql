insert into dim select a, e from t;
