create view tv (x, y) as select a, e from t where b > 0;
