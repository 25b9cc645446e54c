copy region from 'x' (format parquet);
