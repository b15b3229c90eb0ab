"""The lesson's ticket-grabbing program (seeds/004), with the lock that makes it safe.

Faithful to the lesson's search()/get() over a JSON file, with multiprocessing.Lock around
get(), all customers started before any is joined. The lesson's time.sleep calls are set
to LATENCY (0 here) so that the comparison measures processes, locking and file I/O, as
`ticketsim run --mode flock --latency 0` does.

usage: python3 lesson_ticket.py CUSTOMERS STORE_PATH
"""
import json
import os
import sys
import time
from multiprocessing import Lock, Process

LATENCY = 0


def search(db):
    time.sleep(LATENCY)
    with open(db, 'rt', encoding='utf-8') as f:
        res = json.load(f)
        print(f'还剩{res["count"]}')


def get(db):
    with open(db, 'rt', encoding='utf-8') as f:
        res = json.load(f)
    time.sleep(LATENCY)
    if res['count'] > 0:
        res['count'] -= 1
        with open(db, 'wt', encoding='utf-8') as f:
            json.dump(res, f)
            print(f'进程{os.getpid()} 抢票成功')
    else:
        print('票已经售空啦!!')


def task(db, lock):
    search(db)
    with lock:
        get(db)


if __name__ == '__main__':
    customers, db = int(sys.argv[1]), sys.argv[2]
    with open(db, 'wt', encoding='utf-8') as f:
        json.dump({'count': 1}, f)
    lock = Lock()
    start = time.time()
    processes = [Process(target=task, args=(db, lock)) for _ in range(customers)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    print(f'{customers} customers in {time.time() - start:.3f} s', file=sys.stderr)
