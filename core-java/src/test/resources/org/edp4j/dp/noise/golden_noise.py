#!/usr/bin/env python3
# Regenerates the golden values of GaussianNoiseTest.pythonReferenceGoldenValues (needs: pip install cryptography).
# Independent reference: SplitMix64 key, ChaCha20 via the `cryptography` package, Box-Muller with C libm.
import struct, math
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
M=(1<<64)-1
def splitmix_key(seed):
    s=seed&M; words=[]
    for _ in range(4):
        s=(s+0x9E3779B97F4A7C15)&M; z=s
        z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M
        z=((z^(z>>27))*0x94D049BB133111EB)&M
        z^=z>>31
        words += [z&0xffffffff, z>>32]
    return words
def block(key, counter, n0, n1, n2):
    kb=struct.pack('<8I',*key)
    nonce=struct.pack('<I',counter)+struct.pack('<3I',n0,n1,n2)
    return Cipher(algorithms.ChaCha20(kb,nonce),mode=None).encryptor().update(bytes(64))
def values(key, stream, step, blk):
    b=block(key, blk, stream, step&0xffffffff, step>>32)
    return struct.unpack('<8Q', b)
def U(x): return ((x>>12)+0.5)/2**52
def normals(key, stream, step, first, n):
    out=[]
    for j in range(first, first+n):
        x=values(key, stream, step, j//8); i=(j%8)//2
        u1=U(x[2*i]); u2=U(x[2*i+1]); r=math.sqrt(-2*math.log(u1)); t=(2*math.pi)*u2
        out.append(r*math.cos(t) if j%2==0 else r*math.sin(t))
    return out
key=splitmix_key(42)
print("key", ', '.join('0x%08x'%w for w in key))
for step in (7, (1<<32)+5):
    print("normals step", step, ', '.join(repr(v) for v in normals(key, 0, step, 0, 12)))
print("normals stream 1 step 3 from 1000003", ', '.join(repr(v) for v in normals(key, 1, 3, 1000003, 5)))
print("uniforms stream 2 step 9", ', '.join(repr(U(values(key,2,9,j//8)[j%8])) for j in range(0,10)))
