copy dim from 'dim.csv' with (format csv, header);
