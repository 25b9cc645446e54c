insert into t values (1, 2, 3.5, 4e0, 'x', 'abc', '2020-01-01', true), (2, null, null, null, null, null, null, null);
